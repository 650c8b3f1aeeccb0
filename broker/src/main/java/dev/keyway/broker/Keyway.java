package dev.keyway.broker;

public final class Keyway {
    public static void main(String[] args) {
        System.out.println("placeholder");
    }
}
